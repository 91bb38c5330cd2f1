"""rdrive_app/services/upkeep."""
