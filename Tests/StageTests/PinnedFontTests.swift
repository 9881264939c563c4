import Foundation
import Testing
import PipelineEngine
import StageSupport

/// Figures do not depend on the fonts a machine has (issue #13): gnuplot sees only the pinned DejaVu Sans, whatever
/// font configuration it would otherwise inherit, and the font files' hashes are in the plot kinds' key.
@Suite struct PinnedFontTests {
    static let figure = GnuplotFigure(name: "fonts", body: """
      set title "Font check: Helvetica, ρ, η, W_Q^T W_K"
      set xlabel "epoch"; set ylabel "MSE"
      set label 1 "{/Helvetica label in Helvetica}" at graph 0.1, graph 0.8
      plot sin(x) title "sin x", cos(x) title "cos x"
    """)

    /// A configuration a machine with other font packages might have: the system's, plus a rule that prefers
    /// Liberation Sans (Debian's fonts-liberation, which scripts/bootstrap installs for this test) wherever a
    /// sans-serif family or DejaVu Sans is asked for.
    static func foreignConfiguration(in directory: String) throws -> String {
        let path = directory + "/foreign.conf"
        let text = """
        <?xml version="1.0"?>
        <!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
        <fontconfig>
          <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
          <match target="pattern">
            <edit name="family" mode="prepend" binding="strong"><string>Liberation Sans</string></edit>
          </match>
        </fontconfig>
        """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func aForeignFontConfigurationDoesNotChangeTheFigure() throws {
        let root = NSTemporaryDirectory() + "icar-fonts-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in ["plain", "foreign", "unpinned"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try Self.figure.render(into: root + "/plain")
        var foreign = ProcessInfo.processInfo.environment
        foreign["FONTCONFIG_FILE"] = try Self.foreignConfiguration(in: root)
        try Self.figure.render(into: root + "/foreign", environment: foreign)
        for file in ["fonts.png", "fonts.pdf"] {
            #expect(try bytes(root + "/plain/" + file) == bytes(root + "/foreign/" + file), "\(file) changed with the fonts")
        }
        // The control: the same script run by gnuplot with that configuration and no pinning draws other bytes,
        // so the comparison above could fail.
        try FileManager.default.copyItem(atPath: root + "/plain/fonts.gp", toPath: root + "/unpinned/fonts.gp")
        _ = try ExternalProgram.run(["gnuplot", "fonts.gp"], environment: foreign, directory: root + "/unpinned")
        #expect(try bytes(root + "/plain/fonts.png") != bytes(root + "/unpinned/fonts.png"),
                "Liberation Sans drew the same PNG as DejaVu Sans: the control cannot tell fonts apart")
    }

    @Test func thePDFEmbedsOnlyThePinnedFont() throws {
        let root = NSTemporaryDirectory() + "icar-fonts-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.figure.render(into: root)
        let pdf = String(decoding: try bytes(root + "/fonts.pdf"), as: UTF8.self)
        let names = pdf.components(separatedBy: "/FontName /").dropFirst().map { String($0.prefix { $0 != "\n" && $0 != " " && $0 != "/" }) }
        #expect(!names.isEmpty && names.allSatisfy { $0.hasSuffix("+DejaVuSans") || $0.hasSuffix("+DejaVuSans-Bold") }, "\(names)")
    }

    @Test func theFontFilesHashesAreInThePlotToolchain() throws {
        let toolchain = NativeToolchain.plotting["font"] ?? ""
        for file in PinnedFont.files {
            let data = try bytes(PinnedFont.directory + "/" + file)
            // An independent hash of the file: sha256sum.
            let sum = try ExternalProgram.run(["sha256sum", PinnedFont.directory + "/" + file]).prefix(64)
            #expect(toolchain.contains(file + " " + sum), "\(toolchain)")
            #expect(!data.isEmpty)
        }
    }
}
