import HDF5
import PipelineEngine

extension StageContext {
    /// Creates an HDF5 output file stamped with the stage's provenance (stage, kind, version, key, parameters).
    public func createHDF5(_ name: String) throws -> HDF5File {
        let file = try HDF5File.create(outputFile(name))
        for (attribute, value) in provenanceAttributes { try file.setAttribute(attribute, value) }
        return file
    }

    /// Opens file `name` of input `slot`.
    public func openHDF5(_ slot: String, _ name: String) throws -> HDF5File {
        try HDF5File.open(try inputFile(slot, name))
    }
}
