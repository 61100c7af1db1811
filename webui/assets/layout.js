// A BPMN file without diagram interchange (no shapes) is laid out with bpmn-auto-layout before drawing.
import { layoutProcess } from "bpmn-auto-layout";

const DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI";

export function hasDiagram(xml) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  return doc.getElementsByTagNameNS(DI_NS, "BPMNShape").length > 0;
}

// Resolves to { xml, laidOut }: the file itself when it has a drawing, else a laid-out copy.
export async function withDiagram(xml) {
  if (hasDiagram(xml)) {
    return { xml, laidOut: false };
  }
  return { xml: await layoutProcess(xml), laidOut: true };
}
