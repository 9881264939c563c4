public enum AugmentedTransformerPlaceholder {}
