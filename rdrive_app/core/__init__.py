"""rdrive_app/core."""
