"""kubedocs: Kubernetes manifests → derived resource graph → views → Graphviz SVG, for the shell and for MkDocs.

Pipeline, one module per stage: loading → model → rules (derive) → graph → views → render. `gen.pipeline` runs it
in one call. Importing `gen` imports nothing heavy; each stage imports what it needs when it runs.
"""

__version__ = "0.1.0"
