/// How one paper reads in the report: its title and citation, and its figures in the paper's order, each with a
/// title and a caption in our words. Each paper's place in Sources/Papers owns its outline; the report groups its
/// inputs by the outline that names their figure, so the page follows the papers, not the stage names.
public struct ReportOutline: Sendable {
    public struct Figure: Sendable {
        /// The figure's base name (fig5 for fig5.png and fig5-theory.json).
        public let name: String
        public let title: String
        /// What the figure shows and what to look for, in a sentence or two.
        public let caption: String
        /// Describes the image for a reader who cannot see it.
        public let alt: String

        public init(_ name: String, title: String, caption: String, alt: String) {
            self.name = name
            self.title = title
            self.caption = caption
            self.alt = alt
        }
    }

    /// A short identifier used in anchors (paper-incontext).
    public let id: String
    public let title: String
    public let citation: String
    public let figures: [Figure]

    public init(id: String, title: String, citation: String, figures: [Figure]) {
        self.id = id
        self.title = title
        self.citation = citation
        self.figures = figures
    }

    public func figure(named name: String) -> Figure? { figures.first { $0.name == name } }
}
