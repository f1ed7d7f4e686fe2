"""The REST adapter: Flask-AppBuilder resources generated from the registry, plus the batch
push, the strategy map, reporting-period locks and jobs. It parses, calls the core or the
workflow engine, and answers; it imports nothing from the screens."""
