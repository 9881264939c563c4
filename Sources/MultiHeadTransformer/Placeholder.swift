public enum MultiHeadTransformerPlaceholder {}
