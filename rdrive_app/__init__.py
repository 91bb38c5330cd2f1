"""rDrive: a private photo and video drive for two people."""
