"""The nine persona agents: each turns typed inputs into a typed output, by model or offline."""
