/** Where the SAT's files copied into the repository live (see ../sat/README.md). */
import { fileURLToPath } from 'node:url';

const dir = (name: string) => fileURLToPath(new URL(`../sat/${name}`, import.meta.url));

export const SAT_FILES = {
  cfdiSchema: dir('cfdv40.xsd'),
  tfdSchema: dir('TimbreFiscalDigitalv11.xsd'),
  /** cfdv40 + TimbreFiscalDigital together, for a stamped document (Complemento is xs:any strict). */
  stampedSchema: dir('cfdi-timbrado.xsd'),
  cfdiStylesheet: dir('cadenaoriginal_4_0.xslt'),
  tfdStylesheet: dir('cadenaoriginal_TFD_1_1.xslt'),
  testCsdCertificate: dir('csd-test/EKU9003173C9.cer.pem'),
  testCsdKey: dir('csd-test/EKU9003173C9.key.pem'),
  sandboxPacCertificate: dir('sandbox-pac/sandbox-pac.cer.pem'),
  sandboxPacKey: dir('sandbox-pac/sandbox-pac.key.pem'),
} as const;
