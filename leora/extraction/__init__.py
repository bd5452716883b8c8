"""Business card and licence scanning: upload, OCR, review and apply."""
