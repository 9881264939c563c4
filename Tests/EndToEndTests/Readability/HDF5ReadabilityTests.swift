import Foundation
import Testing

/// Every HDF5 file the quick profile writes, opened with h5py as a reader without our source would: each dataset
/// carries a non-empty `str` description and its axis names, and its shape is the one `icar kinds --json` declares;
/// no attribute anywhere comes back as `bytes`.
@Suite(.serialized) struct HDF5ReadabilityTests {
    @Test func everyDatasetOfTheQuickProfileIsDescribedAndHasItsDeclaredShape() throws {
        let bed = try Testbed(try PaperPipelineTests.offlinePipeline())
        let run = try bed.icar("run", "--profile", "quick")
        #expect(run.status == 0, "\(run.error)")
        let kinds = try bed.icar("kinds", "--json")
        #expect(kinds.status == 0, "\(kinds.error)")
        try kinds.output.write(toFile: bed.directory + "/kinds.json", atomically: true, encoding: .utf8)
        let check = try Self.python([Self.checker, bed.directory + "/kinds.json", bed.directory + "/data/entries"])
        #expect(check.status == 0, "\(check.output)")
        let report = try JSONSerialization.jsonObject(with: Data(check.output.utf8)) as? [String: Any] ?? [:]
        let problems = report["problems"] as? [String] ?? ["no report: \(check.output)"]
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.prefix(40).joined(separator: "\n"))")
        // The quick profile's HDF5 files (27 of them when this test was written) and their datasets.
        #expect(report["files"] as? Int ?? 0 >= 20, "\(report)")
        #expect(report["datasets"] as? Int ?? 0 >= 200, "\(report)")
        #expect(report["checked_lengths"] as? Int ?? 0 >= 200, "\(report)")
        // No stale declaration: each one of a kind that ran is written, but for the test splits of the complex
        // families, which the quick profile does not draw (its phase sequences have a train split only).
        let unused = Set(report["unused_declarations"] as? [String] ?? ["no list"])
        let notDrawn: Set = ["generate-sequences sequences.h5 test/angles", "generate-sequences sequences.h5 test/sequences_imag",
                             "generate-sequences sequences.h5 test/sequences_real"]
        #expect(unused.subtracting(notDrawn).isEmpty, "declared but never written: \(unused.subtracting(notDrawn).sorted())")
    }

    private static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        // Debian's interpreter, which has python3-h5py (scripts/bootstrap); a python3 first on PATH (pyenv) may not.
        let result = try runCommand(["/usr/bin/python3", "-c"] + arguments)
        return (result.status, String(decoding: result.output + result.error, as: UTF8.self))
    }

    /// Matches each dataset to its kind's declaration; an axis length is an integer, a parameter or integer root
    /// attribute, or sums of products of those ("2*dimension", "steps+1"); a length that names nothing known must
    /// at least be the same for every dataset of the same group.
    static let checker = #"""
    import glob, h5py, json, os, re, sys
    kinds = {k["name"]: k for k in json.load(open(sys.argv[1]))}
    problems, files, datasets, checked = [], 0, 0, 0
    used, ran = set(), set()
    def pattern(name):
        return re.compile("^" + "[^/]+".join(re.escape(p) for p in re.split(r"<[^>]*>", name)) + "$")
    def evaluate(expression, known):
        total = 0
        for term in expression.split("+"):
            product = 1
            for factor in term.split("*"):
                factor = factor.strip()
                if factor.isdigit(): product *= int(factor)
                elif factor in known: product *= known[factor]
                else: return None
            total += product
        return total
    def found_all(f):
        objects = []
        f.visititems(lambda n, o: objects.append((n, o)))
        return objects
    for path in sorted(glob.glob(os.path.join(sys.argv[2], "*", "*.h5"))):
        files += 1
        name = os.path.basename(path)
        with h5py.File(path, "r") as f:
            kind = f.attrs["icar_kind"]
            if not isinstance(kind, str): problems.append(f"{path}: icar_kind is {type(kind).__name__}, not str")
            declared = [d for d in kinds.get(kind, {}).get("datasets", []) if d["file"] == name]
            ran.add(kind)
            known = {k: int(v) for k, v in f.attrs.items() if hasattr(v, "dtype") and v.dtype.kind == "i" and v.shape == ()}
            for k, v in json.loads(f.attrs["icar_parameters"]).items():
                if isinstance(v, int) and not isinstance(v, bool): known.setdefault(k, v)
            for owner, attributes in [("/", f.attrs)] + [(n, o.attrs) for n, o in found_all(f)]:
                for key, value in attributes.items():
                    if isinstance(value, bytes): problems.append(f"{path} {owner}@{key}: bytes, not str")
            symbols = {}
            found = []
            f.visititems(lambda n, o: found.append((n, o)) if isinstance(o, h5py.Dataset) else None)
            for dataset_name, dataset in found:
                datasets += 1
                where = f"{kind} {name} {dataset_name}"
                description = dataset.attrs.get("description")
                if not isinstance(description, str) or not description.strip():
                    problems.append(f"{where}: description is {description!r}"); continue
                axes = dataset.attrs.get("axes")
                if not isinstance(axes, str):
                    problems.append(f"{where}: axes is {axes!r}"); continue
                matches = [d for d in declared if pattern(d["name"]).match(dataset_name)]
                if len(matches) != 1:
                    problems.append(f"{where}: {len(matches)} declarations match"); continue
                d = matches[0]
                used.add((kind, d["file"], d["name"]))
                if description != d["description"]: problems.append(f"{where}: description differs from icar kinds")
                if axes != ", ".join(a["name"] for a in d["axes"]): problems.append(f"{where}: axes {axes!r}, declared {d['axes']}")
                if len(dataset.shape) != len(d["axes"]):
                    problems.append(f"{where}: shape {dataset.shape}, declared {len(d['axes'])} axes"); continue
                group = dataset_name.rpartition("/")[0]
                for length, axis in zip(dataset.shape, d["axes"]):
                    value = evaluate(axis["length"], known)
                    if value is None:
                        value = symbols.setdefault((group, axis["length"]), length)
                    else:
                        checked += 1
                    if value != length:
                        problems.append(f"{where}: axis {axis['name']} has length {length}, declared {axis['length']} = {value}")
    unused = sorted(f"{k} {d['file']} {d['name']}" for k in ran for d in kinds[k]["datasets"] if (k, d["file"], d["name"]) not in used)
    print(json.dumps({"problems": problems, "files": files, "datasets": datasets, "checked_lengths": checked,
                      "unused_declarations": unused}))
    """#
}
