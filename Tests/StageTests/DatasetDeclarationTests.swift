import Foundation
import HDF5
import Testing
@testable import AllPapers
@testable import PipelineEngine
@testable import StageSupport

@Suite struct DatasetDeclarationTests {
    @Test func placeholdersStandForOnePathComponent() {
        let declared = DatasetDeclaration("f.h5", "checkpoints/<step>/h.<layer>.ln_1.weight", ["feature": "width"], "a scale")
        #expect(declared.matches("checkpoints/12/h.0.ln_1.weight"))
        #expect(declared.matches("checkpoints/120/h.11.ln_1.weight"))
        #expect(!declared.matches("checkpoints//h.0.ln_1.weight"))
        #expect(!declared.matches("checkpoints/1/2/h.0.ln_1.weight"))
        #expect(!declared.matches("checkpoints/12/h.0.ln_2.weight"))
        #expect(DatasetDeclaration("f.h5", "train_loss", ["epoch": "epochs"], "loss").matches("train_loss"))
        #expect(!DatasetDeclaration("f.h5", "train_loss", ["epoch": "epochs"], "loss").matches("train_loss2"))
    }

    @Test func anUndeclaredDatasetOrAnotherRankIsRefusedAndADeclaredOneIsLabelled() throws {
        let directory = NSTemporaryDirectory() + "icar-declared-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let context = StageContext(stageName: "s", kindName: "k", kindVersion: 1, key: "key",
                                   parameters: StageParameters([:]), inputs: [:], outputDirectory: directory,
                                   progress: { _ in })
        let declared = [DatasetDeclaration("out.h5", "layer<l>/W", ["row": "n", "column": "n"], "a weight"),
                        DatasetDeclaration("other.h5", "loss", ["step": "steps"], "declared for another file")]
        let output = try context.createHDF5("out.h5", declared: declared)
        try output.write("layer0/W", [1.0, 2, 3, 4], shape: [2, 2])
        #expect(throws: PipelineError.self) { try output.write("loss", [1.0], shape: [1]) }
        #expect(throws: HDF5Error.self) { try output.write("layer1/W", [1.0, 2], shape: [2]) }
        try output.close()
        let file = try HDF5File.open(directory + "/out.h5")
        #expect(file.datasetNames() == ["layer0/W"])
        #expect(try file.stringAttribute("description", on: "layer0/W") == "a weight")
        #expect(try file.stringAttribute("axes", on: "layer0/W") == "row, column")
    }

    /// Every kind that writes HDF5 declares each dataset once, with a description and named axes.
    @Test func everyDeclarationIsCompleteAndUnambiguous() {
        let registry = AllPapers.registry()
        var writers = 0
        for name in registry.sortedNames {
            guard let kind = registry[name] as? any DeclaresDatasets else { continue }
            writers += 1
            for declaration in kind.datasets {
                #expect(!declaration.description.isEmpty && !declaration.axes.isEmpty, "\(name): \(declaration.name)")
                #expect(declaration.axes.allSatisfy { !$0.name.isEmpty && !$0.length.isEmpty }, "\(name): \(declaration.name)")
                let twins = kind.datasets.filter { $0.file == declaration.file && $0.name == declaration.name }
                #expect(twins.count == 1, "\(name): \(declaration.file) declares \(declaration.name) \(twins.count) times")
            }
        }
        #expect(writers >= 17, "kinds declaring datasets: \(writers)")
    }
}
