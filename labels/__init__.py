"""sharpfields labels: the crop-field label store, validation, import and export."""
