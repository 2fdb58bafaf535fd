// Being written.
export function InvoiceTraceDrawer(_props: { invoiceId: string; mirrorVersion: number; onClose: () => void }) {
  return null;
}
