import Foundation
import HDF5
import Testing

/// What a reader without our source meets: h5py (python3-h5py, installed by the bootstrap) opens a file written
/// through the labelled writes and finds `str` attributes, a description and the axis names.
@Suite struct HDF5LabelTests {
    let directory = NSTemporaryDirectory() + "icar-hdf5-labels-" + UUID().uuidString

    init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }

    @Test func h5pyReadsStringsAsStrAndEachDatasetsDescriptionAndAxes() throws {
        let path = directory + "/labelled.h5"
        let file = try HDF5File.create(path)
        try file.setAttribute("family", "haar — ünïcode")
        try file.write("parameters/queryWeight", (0..<24).map(Float.init), shape: [2, 3, 4],
                       description: "query weight of each head", axes: ["head", "row", "column"])
        try file.write("steps", [Int64(3), 5], shape: [2], description: "recorded steps", axes: ["record"])
        try file.close()
        let script = """
        import h5py, json, sys
        with h5py.File(sys.argv[1], "r") as f:
            d = f["parameters/queryWeight"]
            print(json.dumps({
                "family": [type(f.attrs["family"]).__name__, f.attrs["family"]],
                "description": [type(d.attrs["description"]).__name__, d.attrs["description"]],
                "axes": d.attrs["axes"], "shape": list(d.shape), "element": float(d[1, 2, 3]),
                "steps_axes": f["steps"].attrs["axes"]}))
        """
        let result = try python(script, path)
        #expect(result.status == 0, "\(result.output)")
        let document = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
        #expect(document["family"] as? [String] == ["str", "haar — ünïcode"])
        #expect(document["description"] as? [String] == ["str", "query weight of each head"])
        #expect(document["axes"] as? String == "head, row, column")
        #expect(document["shape"] as? [Int] == [2, 3, 4])
        // Row-major: element [1, 2, 3] of a (2, 3, 4) array is the 1·12 + 2·4 + 3 = 23rd value.
        #expect(document["element"] as? Double == 23)
        #expect(document["steps_axes"] as? String == "record")
    }

    @Test func aLabelThatDoesNotFitTheShapeIsRefusedBeforeAnythingIsWritten() throws {
        let file = try HDF5File.create(directory + "/refused.h5")
        #expect(throws: HDF5Error.self) {
            try file.write("m", [1.0, 2, 3, 4], shape: [2, 2], description: "a matrix", axes: ["row"])
        }
        #expect(throws: HDF5Error.self) {
            try file.write("v", [1.0, 2], shape: [2], description: "", axes: ["index"])
        }
        #expect(!file.contains("m") && !file.contains("v"))
    }

    private func python(_ script: String, _ argument: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Debian's interpreter, which has python3-h5py (scripts/bootstrap); a python3 first on PATH (pyenv) may not.
        process.arguments = ["/usr/bin/python3", "-c", script, argument]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
