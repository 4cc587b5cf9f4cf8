// Custom search attributes our workflows set. No personal data goes into them: they are visible to anyone
// with access to the Temporal namespace and kept in its visibility store.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const VorgangsnummerKey = defineSearchAttributeKey('Vorgangsnummer', SearchAttributeType.KEYWORD);
export const MandantIdKey = defineSearchAttributeKey('MandantId', SearchAttributeType.KEYWORD);
export const OnlinedienstIdKey = defineSearchAttributeKey('OnlinedienstId', SearchAttributeType.KEYWORD);
export const AntragStatusKey = defineSearchAttributeKey('AntragStatus', SearchAttributeType.KEYWORD);
export const LifecyclePhaseKey = defineSearchAttributeKey('LifecyclePhase', SearchAttributeType.KEYWORD);
export const ProzesseignerKey = defineSearchAttributeKey('Prozesseigner', SearchAttributeType.KEYWORD);
export const ReleaseCheckStateKey = defineSearchAttributeKey('ReleaseCheckState', SearchAttributeType.KEYWORD);

export const allSearchAttributes = [
  VorgangsnummerKey,
  MandantIdKey,
  OnlinedienstIdKey,
  AntragStatusKey,
  LifecyclePhaseKey,
  ProzesseignerKey,
  ReleaseCheckStateKey,
];
