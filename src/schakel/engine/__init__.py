"""Pure domain computations. Nothing here imports Django or the web project."""
