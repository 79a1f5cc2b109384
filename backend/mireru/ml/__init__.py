"""Pure machine learning: torch, torchvision, open_clip, gensim. Nothing here imports FastAPI,
SQLAlchemy, RQ or the rest of Mireru; the domains import this package, never the reverse."""
