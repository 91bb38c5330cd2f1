"""rdrive_app/storage/aws."""
