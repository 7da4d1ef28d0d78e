"""Super-resolution: Deep Image Prior, the trained enhancer, interpolation baselines, the
consistency step, quality figures, the method registry and the cached pipeline the app uses."""
