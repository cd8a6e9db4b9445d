/**
 * The model families detkit knows, registered once: `loadDetector` asks each to `recognise` a
 * model's signature and takes the most confident.
 */
import { centernet } from './centernet.js';
import type { ModelFamily } from './family.js';
import { nanodet } from './nanodet.js';

const registered: ModelFamily[] = [];

export function registerFamily(family: ModelFamily): void {
  if (!registered.some((f) => f.name === family.name)) registered.push(family);
}

export function listFamilies(): readonly ModelFamily[] {
  return registered;
}

export function findFamily(name: string): ModelFamily | undefined {
  return registered.find((f) => f.name === name);
}

registerFamily(centernet);
registerFamily(nanodet);
