"""Building footprints (with heights where known): the occluders of camera line of sight."""
