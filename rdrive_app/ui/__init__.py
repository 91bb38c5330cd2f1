"""rdrive_app/ui."""
