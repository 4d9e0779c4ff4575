"""Model calls for agents: one `generate` call, two engines (openai-compatible, offline)."""
