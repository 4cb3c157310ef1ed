"""Discord: discord.py app commands bound from the core command registry, and its channel."""
