"""The aiohttp application: REST API, WebSocket hub, dashboard."""
