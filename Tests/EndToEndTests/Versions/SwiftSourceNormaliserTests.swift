import Testing

/// The version guard hashes normalised source: comments and layout do not count, string literals and code do.
@Suite struct SwiftSourceNormaliserTests {
    let base = """
    /// Draws the figure.
    func draw() -> String {
        let x = 1 // the count
        return "set title \\"a  b\\" // not a comment \\(x + f("  ) y"))"
    }
    """

    @Test func commentsAndLayoutDoNotCount() {
        let reworded = """
        /// Draws the figure (reworded), with a /* nested /* block */ comment */.
        func draw()  ->  String {
              let x = 1
              // a new comment line
              return "set title \\"a  b\\" // not a comment \\(x + f("  ) y"))"
        }
        """
        #expect(SwiftSourceNormaliser.normalise(reworded) == SwiftSourceNormaliser.normalise(base))
    }

    @Test func stringLiteralsAndCodeCount() {
        let spaceInString = base.replacingOccurrences(of: "a  b", with: "a b")
        let spaceInInterpolatedString = base.replacingOccurrences(of: "\"  ) y\"", with: "\" ) y\"")
        let code = base.replacingOccurrences(of: "let x = 1", with: "let x = 2")
        let tokens = base.replacingOccurrences(of: "let x = 1", with: "letx = 1")
        for variant in [spaceInString, spaceInInterpolatedString, code, tokens] {
            #expect(SwiftSourceNormaliser.normalise(variant) != SwiftSourceNormaliser.normalise(base), "\(variant)")
        }
        // `//` inside a literal survives.
        #expect(SwiftSourceNormaliser.normalise(base).contains("// not a comment"))
    }

    @Test func multiLineAndRawLiteralsKeepTheirLayout() {
        let script = "let s = \"\"\"\n  plot 'a'  // keep\n  \"\"\"\nlet r = #\"a \"  b\"#"
        let changed = script.replacingOccurrences(of: "  plot", with: " plot")
        let normalised = SwiftSourceNormaliser.normalise(script)
        #expect(normalised.contains("\n  plot 'a'  // keep\n"))
        #expect(normalised.contains(##"#"a "  b"#"##))
        #expect(SwiftSourceNormaliser.normalise(changed) != normalised)
    }
}
