"""Chat platforms: Telegram and Discord adapters over the core command registry."""
