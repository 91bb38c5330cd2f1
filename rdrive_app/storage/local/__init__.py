"""rdrive_app/storage/local."""
