"""TGE Monitor core: everything that is not a transport (settings, models, services, pipeline)."""
