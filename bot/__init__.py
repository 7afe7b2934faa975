"""The chat gateway: Telegram and the web chat page, the only public entry (DESIGN.md)."""
