"""sharpfields super-resolution: scene reading, Deep Image Prior, the enhancer."""
