"""The desk as a LangGraph state machine: intake, then one checkpointed thread per story."""
