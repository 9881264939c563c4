import Foundation
import Testing

/// The source closure comes from SwiftPM's target graph: a kind's module, what it depends on (transitively), the
/// stage runner's own folder and Package.swift — and nothing else.
@Suite struct SourceClosureTests {
    /// A package `Kinds → Engine → CShim`, `Other` beside them, and the runner `icar → Kinds, Other`.
    final class TinyPackage {
        let directory = NSTemporaryDirectory() + "icar-closure-" + UUID().uuidString

        init() throws {
            let manifest = """
            // swift-tools-version:6.0
            import PackageDescription
            let package = Package(name: "tiny", targets: [
                .target(name: "CShim"),
                .target(name: "Engine", dependencies: ["CShim"]),
                .target(name: "Kinds", dependencies: ["Engine"]),
                .target(name: "Other"),
                .executableTarget(name: "icar", dependencies: ["Kinds", "Other"]),
            ])
            """
            try write("Package.swift", manifest)
            try write("Sources/CShim/shim.c", "int shim(void) { return 1; }\n")
            try write("Sources/CShim/include/shim.h", "int shim(void);\n")
            try write("Sources/Engine/Engine.swift", "public func engine() -> Int { 1 }\n")
            try write("Sources/Kinds/Kind.swift", "import Engine\npublic func kind() -> Int { engine() }\n")
            try write("Sources/Other/Other.swift", "public func other() -> Int { 2 }\n")
            try write("Sources/icar/main.swift", "import Kinds\nprint(kind())\n")
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func write(_ path: String, _ text: String) throws {
            let url = URL(fileURLWithPath: directory + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        func hash() throws -> (targets: [String], sha256: String) {
            try PackageTargetGraph(repository: directory).sourceHash(of: "Kinds")
        }
    }

    @Test func theClosureFollowsTargetDependenciesAndAddsTheRunner() throws {
        let package = try TinyPackage()
        #expect(try package.hash().targets == ["CShim", "Engine", "Kinds", "icar"])
    }

    @Test func codeInADependencyCountsAndCommentsOrAnUnrelatedTargetDoNot() throws {
        let package = try TinyPackage()
        let original = try package.hash().sha256
        try package.write("Sources/Engine/Engine.swift", "/// The engine.\npublic func engine()  ->  Int {\n    1 // one\n}\n")
        #expect(try package.hash().sha256 == original, "a comment and layout changed the hash")
        try package.write("Sources/Other/Other.swift", "public func other() -> Int { 3 }\n")
        #expect(try package.hash().sha256 == original, "a target outside the closure changed the hash")
        try package.write("Sources/Engine/Engine.swift", "public func engine() -> Int { 2 }\n")
        let engineChanged = try package.hash().sha256
        #expect(engineChanged != original, "a code change in the engine did not count")
        try package.write("Sources/CShim/include/shim.h", "int shim(void); /* the shim */\n")
        #expect(try package.hash().sha256 != engineChanged, "a header change did not count")
    }

    @Test func theManifestAndTheRunnerCount() throws {
        let package = try TinyPackage()
        let original = try package.hash().sha256
        try package.write("Sources/icar/main.swift", "import Kinds\nprint(kind() + 1)\n")
        let runnerChanged = try package.hash().sha256
        #expect(runnerChanged != original)
        try package.write("Package.swift", try String(contentsOfFile: package.directory + "/Package.swift", encoding: .utf8)
            .replacingOccurrences(of: "name: \"tiny\"", with: "name: \"tiny2\""))
        #expect(try package.hash().sha256 != runnerChanged)
    }

    @Test func theRepositorysKindsReachTheEngineAndTheirNativeLibraries() throws {
        let graph = try PackageTargetGraph(repository: ImplementationVersionTests.repository)
        let closure = try graph.closure(of: "InContextStages")
        for target in ["PipelineEngine", "StageSupport", "NumericCore", "HDF5", "CHDF5", "HDF5Shim", "CLinearAlgebra", "COpenSSL"] {
            #expect(closure.contains(target), "\(target) missing from \(closure)")
        }
        #expect(!closure.contains("ALPINEStages") && !closure.contains("icar-bench"), "\(closure)")
    }
}
