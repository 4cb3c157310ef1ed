"""Telegram: python-telegram-bot bound to the core command registry, and its alert channel."""
