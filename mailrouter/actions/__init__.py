"""Effects: composing what is sent, performing it, and the outbox worker that drives both."""
