import HDF5
import PipelineEngine

/// An HDF5 output file of a stage: every dataset is written through its kind's declaration, which gives it a
/// `description` and `axes` attribute; a dataset the kind has not declared, or of another rank, is refused.
public final class HDF5Output {
    private let file: HDF5File
    private let name: String
    private let declarations: [DatasetDeclaration]

    init(file: HDF5File, name: String, declarations: [DatasetDeclaration]) {
        self.file = file
        self.name = name
        self.declarations = declarations.filter { $0.file == name }
    }

    private func declaration(_ dataset: String) throws -> DatasetDeclaration {
        guard let found = declarations.first(where: { $0.matches(dataset) }) else {
            throw PipelineError("dataset '\(dataset)' of \(name) is not declared by its stage kind (icar kinds lists the declared ones)")
        }
        return found
    }

    public func write(_ dataset: String, _ values: [Double], shape: [Int],
                      nonFinite: HDF5File.NonFiniteValues = .refused) throws {
        let declared = try declaration(dataset)
        try file.write(dataset, values, shape: shape, nonFinite: nonFinite, description: declared.description,
                       axes: declared.axes.map(\.name))
    }

    public func write(_ dataset: String, _ values: [Float], shape: [Int]) throws {
        let declared = try declaration(dataset)
        try file.write(dataset, values, shape: shape, description: declared.description, axes: declared.axes.map(\.name))
    }

    public func write(_ dataset: String, _ values: [Int64], shape: [Int]) throws {
        let declared = try declaration(dataset)
        try file.write(dataset, values, shape: shape, description: declared.description, axes: declared.axes.map(\.name))
    }

    public func setAttribute(_ attribute: String, _ value: String, on object: String = "/") throws {
        try file.setAttribute(attribute, value, on: object)
    }

    public func setAttribute(_ attribute: String, _ value: Double, on object: String = "/") throws {
        try file.setAttribute(attribute, value, on: object)
    }

    public func setAttribute(_ attribute: String, _ value: Int, on object: String = "/") throws {
        try file.setAttribute(attribute, value, on: object)
    }

    public func close() throws { try file.close() }
}

extension StageContext {
    /// Creates an HDF5 output file stamped with the stage's provenance (stage, kind, version, key, parameters),
    /// whose datasets are the ones `datasets` declares for file `name`.
    public func createHDF5(_ name: String, declared datasets: [DatasetDeclaration]) throws -> HDF5Output {
        let file = try HDF5File.create(outputFile(name))
        for (attribute, value) in provenanceAttributes { try file.setAttribute(attribute, value) }
        return HDF5Output(file: file, name: name, declarations: datasets)
    }

    /// Opens file `name` of input `slot`.
    public func openHDF5(_ slot: String, _ name: String) throws -> HDF5File {
        try HDF5File.open(try inputFile(slot, name))
    }
}
