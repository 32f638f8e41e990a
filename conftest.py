import os

os.environ.setdefault("HOCVUSO_TESTING", "1")
