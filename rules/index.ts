import adresOnbekend from './adres-onbekend.ts';
import briefadresCluster from './briefadres-cluster.ts';
import damoclesBetrokkeneElders from './damocles-betrokkene-elders.ts';
import damoclesBewoning from './damocles-bewoning.ts';
import doorgangsadres from './doorgangsadres.ts';
import geenWoonfunctie from './geen-woonfunctie.ts';
import horecaGeenPassendeFunctie from './horeca-geen-passende-functie.ts';
import meldingEnDatasignaal from './melding-en-datasignaal.ts';
import objectNietInGebruik from './object-niet-in-gebruik.ts';
import overbewoning from './overbewoning.ts';
import type { RuleDefinition } from './rule.ts';
import vergunningBibob from './vergunning-bibob.ts';

/** The rule register: every rule the product runs, in the order the register lists them. */
export const RULES: readonly RuleDefinition[] = Object.freeze([
  overbewoning,
  geenWoonfunctie,
  objectNietInGebruik,
  adresOnbekend,
  doorgangsadres,
  briefadresCluster,
  damoclesBewoning,
  damoclesBetrokkeneElders,
  vergunningBibob,
  horecaGeenPassendeFunctie,
  meldingEnDatasignaal,
]);
