import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsToGeoJson } from '../../../electron/core/detect/detectionsToGeoJson.js';
import type { Detection } from '../../../electron/shared/domain/Detection.js';

const detection: Detection = {
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  centroid: { x: 11.111, y: 20 },
  bounds: { x: 10, y: 19, width: 2, height: 2 },
  outline: [
    { x: 10, y: 19 },
    { x: 12, y: 19 },
    { x: 12, y: 21 },
  ],
  classification: null,
  detector: 'test@1',
  measurements: {
    nucleusAreaUm2: 30,
    nucleusPerimeterUm: 20,
    nucleusCircularity: 0.9,
    nucleusSolidity: 0.95,
    nucleusElongation: 1.1,
    nucleusPieces: 1,
    cellAreaUm2: null,
    meanRed: 90,
    meanGreen: 40,
    meanBlue: 140,
    meanNuclearStain: 1.1,
  },
};

test('one QuPath detection Feature per cell, closed ring, centroid in measurements', () => {
  const fc = detectionsToGeoJson([detection, { ...detection, id: 'b', classification: 'L4' }]);
  assert.equal(fc.type, 'FeatureCollection');
  assert.equal(fc.features.length, 2);
  const f = fc.features[0]!;
  assert.equal(f.type, 'Feature');
  assert.equal(f.id, detection.id);
  assert.equal(f.properties.objectType, 'detection');
  assert.equal(f.properties.classification, undefined);
  assert.deepEqual(f.geometry.coordinates[0], [
    [10, 19],
    [12, 19],
    [12, 21],
    [10, 19],
  ]);
  assert.equal(f.properties.measurements['centroidX'], 11.11);
  assert.equal(f.properties.measurements['centroidY'], 20);
  assert.equal(f.properties.measurements['nucleusAreaUm2'], 30);
  assert.deepEqual(fc.features[1]!.properties.classification, { name: 'L4' });
  // Round-trips through JSON unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(fc)), fc);
});
