import Foundation
import Testing
import StageSupport

/// Text handed to gnuplot stays data (issue #11, class 2): quotes, backslashes and `system(` inside a title are
/// drawn, not run; backticks and newlines are refused before gnuplot sees them.
@Suite struct GnuplotTextAsDataTests {
    @Test func hostileButAllowedTitleIsDrawnAndRunsNothing() throws {
        let directory = NSTemporaryDirectory() + "icar-gnuplot-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let canary = directory + "/CANARY"
        let title = #"it's "quoted" \ back\slash "; system("touch \#(canary)") # "" ' system('touch \#(canary)')"#
        let literal = try GnuplotFigure.quoted(title)
        let script = "set terminal dumb size 400,12\nset output '\(directory)/out.txt'\nset title \(literal)\nplot x notitle\n"
        try script.write(toFile: directory + "/t.gp", atomically: true, encoding: .utf8)
        _ = try ExternalProgram.run(["gnuplot", directory + "/t.gp"])
        #expect(!FileManager.default.fileExists(atPath: canary), "gnuplot ran the title as a command")
        let drawn = try String(contentsOfFile: directory + "/out.txt", encoding: .utf8)
        #expect(drawn.contains(#"system("touch"#), "the title is drawn as text: \(drawn)")
    }

    @Test func backticksAndNewlinesNeverReachGnuplot() {
        for text in ["a`touch x`b", "two\nlines", "tab\there", "cr\rhere"] {
            #expect(throws: (any Error).self, "\(text)") { try GnuplotFigure.quoted(text) }
        }
    }
}
