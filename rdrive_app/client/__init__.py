"""rdrive_app/client."""
