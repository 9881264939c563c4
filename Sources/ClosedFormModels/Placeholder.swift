public enum ClosedFormModelsPlaceholder {}
