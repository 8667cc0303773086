/** The column heads of a differential table: category, n, %, 95% CI, and the reference range where shown. */
export function DifferentialTableHead({ reference }: { reference: boolean }) {
  const num = (label: string) => (
    <th scope="col" className="num">
      {label}
    </th>
  );
  return (
    <thead>
      <tr>
        <th scope="col">Category</th>
        {num('n')}
        {num('%')}
        {num('95% CI')}
        {reference && num('Ref.')}
      </tr>
    </thead>
  );
}
