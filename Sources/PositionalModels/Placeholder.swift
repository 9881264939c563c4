public enum PositionalModelsPlaceholder {}
