import { enumOf } from './enum.value';

export const MODALITIES = ['reported', 'confirmed', 'denied', 'rumored'] as const;
export type Modality = (typeof MODALITIES)[number];

export const modalitySchema = enumOf(MODALITIES);
