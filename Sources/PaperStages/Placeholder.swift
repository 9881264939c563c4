public enum PaperStagesPlaceholder {}
