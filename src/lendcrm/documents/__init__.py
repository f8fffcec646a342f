"""Documents of an application: upload checked by content, storage, audited viewing, ID-card OCR."""
