"""曝光台: cases a supervisor chose to show the public, with blurred photos and no reporter."""
