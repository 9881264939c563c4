public enum TokenEmbeddingsPlaceholder {}
