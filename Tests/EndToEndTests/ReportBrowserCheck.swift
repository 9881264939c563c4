import Foundation
import Testing

/// Opens figures/index.html in headless Chromium (Debian's package) at a desktop and a phone width and checks what a
/// reader meets: every image decoded, nothing wider than the viewport (tables scroll inside their own box), every
/// link and anchor resolving. The page is shown in an iframe of the exact width, since headless windows have a minimum
/// width; screenshots are kept under .build/report-screenshots for a person to look at.
///
/// `staleBanner`: whether the page must show its stale-store banner (from figures/store-status.js) or must not.
func checkReportInBrowser(figures: String, repository: String, staleBanner: Bool = false, screenshotSuffix: String = "") throws {
    guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) else {
        print("SKIPPED report browser check: Chromium is not installed (scripts/bootstrap installs Debian's chromium)")
        return
    }
    let screenshots = repository + "/.build/report-screenshots"
    try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
    for width in [1400, 390] {
        let checkPage = figures + "/.browser-check-\(width).html"
        try browserCheckPage.replacingOccurrences(of: "WIDTH", with: String(width)).write(toFile: checkPage, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: checkPage) }
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--hide-scrollbars",
                      "--virtual-time-budget=10000"]
        let dom = try runChromium(chromium, common + ["--window-size=\(max(width, 500) + 40),1000", "--dump-dom", "file://" + checkPage])
        guard let start = dom.range(of: "<pre id=\"icar-browser-check\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex),
              let result = try JSONSerialization.jsonObject(with: Data(dom[start.upperBound..<end.lowerBound].utf8)) as? [String: Any] else {
            Issue.record("no browser check result at \(width) px: \(dom.suffix(500))")
            continue
        }
        #expect(result["error"] == nil, "at \(width) px: \(result)")
        #expect((result["images"] as? Int ?? 0) >= 5, "at \(width) px: \(result)")
        #expect((result["undecoded"] as? [String] ?? ["?"]).isEmpty, "images not decoded at \(width) px: \(result)")
        #expect((result["tooWide"] as? [String] ?? ["?"]).isEmpty, "wider than the viewport at \(width) px: \(result)")
        let viewport = result["viewport"] as? Int ?? 0, scrollWidth = result["scrollWidth"] as? Int ?? .max
        #expect(viewport > 0 && scrollWidth <= viewport, "page scrolls sideways at \(width) px: \(result)")
        let banner = result["staleBanner"] as? String ?? ""
        #expect(staleBanner ? banner.contains("Part of the store is stale") : banner.isEmpty, "stale banner at \(width) px: \(result)")
        #expect((result["links"] as? Int ?? 0) > 0 && (result["broken"] as? [String] ?? ["?"]).isEmpty, "broken links at \(width) px: \(result)")
        _ = try runChromium(chromium, common + ["--window-size=\(width),3000", "--screenshot=\(screenshots)/report-\(width)\(screenshotSuffix).png",
                                                width == 1400 ? "file://" + figures + "/index.html" : "file://" + checkPage])
        #expect(FileManager.default.fileExists(atPath: "\(screenshots)/report-\(width)\(screenshotSuffix).png"))
    }
}

private func runChromium(_ chromium: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// index.html in an iframe of WIDTH px, and a script that measures it once it has loaded.
private let browserCheckPage = """
<!DOCTYPE html>
<html><head><meta charset="utf-8"/></head><body style="margin:0">
<iframe id="page" src="index.html" style="border:0;width:WIDTHpx;height:3000px"></iframe>
<pre id="icar-browser-check"></pre>
<script>
document.getElementById('page').addEventListener('load', function () {
  var frame = document.getElementById('page');
  var doc = frame.contentDocument;
  var result = {};
  if (!doc) { result.error = 'cannot read the page (file access)'; }
  else {
    var images = Array.prototype.slice.call(doc.images);
    result.images = images.length;
    result.undecoded = images.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).map(function (i) { return i.alt; });
    var width = doc.documentElement.clientWidth;
    result.viewport = width;
    result.scrollWidth = doc.documentElement.scrollWidth;
    result.tooWide = Array.prototype.slice.call(doc.body.querySelectorAll('*')).filter(function (e) {
      if (e.parentElement.closest('.scroll')) return false;
      var r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
    }).slice(0, 10).map(function (e) { return e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''); });
    var broken = [];
    var anchors = Array.prototype.slice.call(doc.querySelectorAll('a[href]'));
    anchors.forEach(function (a) {
      var href = a.getAttribute('href');
      if (href.charAt(0) === '#') { if (!doc.getElementById(href.slice(1))) broken.push(href); return; }
      try { var x = new XMLHttpRequest(); x.open('GET', href, false); x.send(); if (!(x.status === 200 || (x.status === 0 && x.responseText.length > 0))) broken.push(href); }
      catch (e) { broken.push(href + ' (' + e.name + ')'); }
    });
    var stale = doc.getElementById('icar-stale');
    result.staleBanner = stale && !stale.hidden ? stale.textContent : '';
    result.links = anchors.length;
    result.broken = broken;
  }
  document.getElementById('icar-browser-check').textContent = JSON.stringify(result);
});
</script>
</body></html>
"""
