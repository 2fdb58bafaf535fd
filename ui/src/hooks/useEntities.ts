import { useEffect, useState } from "react";
import { unwrap } from "../api";
import { commands, type EntityInfo } from "../bindings";
import type { ReportError } from "../errors";

export function useEntities(report: ReportError): EntityInfo[] {
  const [entities, setEntities] = useState<EntityInfo[]>([]);
  useEffect(() => {
    let current = true;
    unwrap(commands.listEntities()).then(
      (list) => {
        if (current) setEntities(list);
      },
      (error: unknown) => {
        if (current) report(error);
      },
    );
    return () => {
      current = false;
    };
  }, [report]);
  return entities;
}
